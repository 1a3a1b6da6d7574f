"""Datasets read from files on disk (nothing is downloaded): Fashion-MNIST, image folders."""
