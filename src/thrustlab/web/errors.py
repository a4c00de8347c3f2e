"""The web app's errors: each becomes a clear message and an HTTP status, never a traceback.

::

    WebError            (thrustlab.errors.InputError)
    ├── UploadError     a file was refused (status 400, 413 or 415); nothing is stored
    ├── AccountError    sign-up or team problems (400)
    └── LoginError      wrong email or password (401)
"""

from __future__ import annotations

from thrustlab.errors import InputError


class WebError(InputError):
    status_code = 400


class UploadError(WebError):
    def __init__(self, message: str, *, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


class AccountError(WebError):
    pass


class LoginError(WebError):
    status_code = 401
