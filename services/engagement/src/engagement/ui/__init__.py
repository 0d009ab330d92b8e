"""Server-rendered pages under /engagement/."""
