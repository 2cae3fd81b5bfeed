"""Package data: the embedded text corpus (see README.md beside this file). Not a source."""
