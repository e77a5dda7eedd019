"""The keyword components of PlutoraLibrary, one per area, on a shared context."""
