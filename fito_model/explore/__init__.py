"""Explorers over a Network: frontier-at-a-time BFS (numpy), DFS, random simulation."""
