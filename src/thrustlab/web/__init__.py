"""The web app: a thin FastAPI shell over read, analyse, explain, report and the log.

``create_app(WebSettings(...))`` builds the app; ``thrustlab serve`` runs it. Importing this
package opens nothing: the database and the worker pool start with the app's lifespan.
No analysis code lives here.
"""

from __future__ import annotations

from thrustlab.web.app import create_app
from thrustlab.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
