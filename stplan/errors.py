class ServiceError(Exception):
    """A refusal the user can act on; views show its message as it is, in Chinese."""
