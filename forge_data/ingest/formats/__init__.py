"""One reader per export format; each turns entries into records through the source's Context."""
