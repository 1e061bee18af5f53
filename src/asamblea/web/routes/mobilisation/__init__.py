"""Mobilisation's pages (struggles and the map, actions) and its JSON API (`api`)."""
