"""Set-up run in each worker process of the local cluster as it starts (Dask's preload
calls ``dask_setup``).

When the cluster closes, a worker's heartbeat can be on its way as the scheduler lets go of
it; Dask then logs "Failed to communicate with scheduler during heartbeat" with a traceback
of 25 lines, at error level (1 of 15 runs of ``thrustlab batch`` on 4 files). The batch was
done and every result saved: the lifter is shown no traceback. Other errors still show."""

from __future__ import annotations

import logging

HEARTBEAT_FAILED = "Failed to communicate with scheduler during heartbeat"


class HeartbeatAtClose(logging.Filter):
    """Drops Dask's heartbeat failure: in a local cluster its scheduler lives in the batch's
    own process, which is ending when the two lose touch."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(HEARTBEAT_FAILED)


def dask_setup(worker: object) -> None:
    logging.getLogger("distributed.worker").addFilter(HeartbeatAtClose())
