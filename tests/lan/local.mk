# tests/lan: sources and tests of this part (included by the top-level Makefile.am)
