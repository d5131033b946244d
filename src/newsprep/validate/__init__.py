"""The check units of `newsprep check` (one concept per module), their registry, the data
contract they read from `checks/`, and the report they produce. Entry point: `newsprep.check`."""
