"""Raw bytes to text: gzip, character encodings, and HTML pages to their main content."""
