"""Reports people read: the agreement report and the Kodierleitfaden, as HTML and Word."""
