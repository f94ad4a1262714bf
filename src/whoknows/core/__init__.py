"""The pure domain core: no I/O, no SQL, no UI. See README.md in this folder."""
