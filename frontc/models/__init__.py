"""Model definitions the tests, cases and benches need, per framework.

``frontc.models.torch`` holds PyTorch networks (it imports torch, so it is
imported only when used; ``import frontc`` never reaches it).
"""
