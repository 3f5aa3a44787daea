"""Settings of this job, with their documented defaults."""
from ..config import Option

OPTIONS: dict[str, Option] = {}
