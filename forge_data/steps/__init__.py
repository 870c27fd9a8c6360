"""Pipeline steps: each reads its inputs from the workspace, calls one library stage, writes its
outputs back and returns a stats dict. Dagster assets are thin wrappers around these; tests and
scripts can call them directly."""
