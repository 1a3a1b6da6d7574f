"""Real data that installed packages carry (nothing is downloaded): sample images and datasets."""
