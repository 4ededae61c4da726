"""Operators' tools on the tracker store: the retention purge and erasure on request
(`python -m operations.purge_trackers`, make purge-trackers) and the usage report
(`python -m operations.usage_report`, make report)."""
