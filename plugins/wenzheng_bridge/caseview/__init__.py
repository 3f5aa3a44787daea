"""Case view: status, deadlines, statistics, trending and hot topics, computed from the store."""
