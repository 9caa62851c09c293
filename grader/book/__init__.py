"""The book edition: the same modules, lessons and exercises as the site, built with jupyter-book 1.x."""
