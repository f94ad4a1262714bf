"""whoknows: who you know who knows who you want to meet."""

__version__ = "0.1.0"
