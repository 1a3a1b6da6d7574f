"""Input data read from disk (nothing is downloaded): image folders, .npy/.npz sets and label lists for
calibration and evaluation; Fashion-MNIST from its idx files (``fashion_mnist``)."""
