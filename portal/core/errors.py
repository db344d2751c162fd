"""Errors a service raises; views turn them into Chinese messages, never 500s."""


class ServiceError(Exception):
    """A refusal with a message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(ServiceError):
    pass


class StateConflict(ServiceError):
    """The record moved on (another reviewer, a second click): nothing was changed."""

    def __init__(self, message: str = "该记录已被处理，请刷新后查看最新状态"):
        super().__init__(message)
