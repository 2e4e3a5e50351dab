"""The foundation every part of viralscope stands on; it imports nothing else from the project.

errors (the one error type), settings (every environment variable), contract (a mention), links (parent
rules), times (one aware-UTC convention), stats (Wilson, bootstrap), results (``ok`` / ``na``).
"""

__version__ = "0.1.0"
