"""The seed's TensorFlow training demo: fine-tune an IR rebuilt in Keras on Fashion-MNIST, write it back,
compile again, and print top-1 before and after (projects/tensorflow/finetune.py).

    python examples/test_tensorflow_reconstructor_train.py fashion_out/fashion_cnn.onnx -o tf_finetune_out
"""
import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    project = runpy.run_path(str(Path(__file__).resolve().parents[1] / "projects" / "tensorflow" / "finetune.py"))
    sys.exit(project["main"]())
