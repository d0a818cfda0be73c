"""Pure NumPy/SciPy matching: geo, skills, scorer and placement solver (no Flask, no DB)."""
