"""Input data for calibration and evaluation: image folders, .npy/.npz sets, label lists."""
