// Anchor for the precompiled header that every chapter reuses.
