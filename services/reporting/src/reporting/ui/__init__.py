"""Server-rendered pages under /reporting/."""
