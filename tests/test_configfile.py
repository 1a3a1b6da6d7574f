"""read_yaml: the parsed document, or one OptionError naming the file kind and the path."""
from __future__ import annotations

import pytest

from frontc.configfile import read_yaml
from frontc.ir.errors import OptionError


def test_reads_a_document(tmp_path):
    (tmp_path / "hw.yaml").write_text("mac_bits: 8\nbit_widths: [8, 16]\n")
    assert read_yaml(tmp_path / "hw.yaml", "hardware file") == {"mac_bits": 8, "bit_widths": [8, 16]}


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "hardware file not found"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00bad"), "cannot read the hardware file: 'utf-8' codec"),
    (lambda p: p.write_text("a: [1, 2\n"), "cannot read the hardware file: while parsing"),
    (lambda p: p.mkdir(), "cannot read the hardware file: [Errno 21] Is a directory"),
])
def test_bad_files_are_one_line_errors_naming_the_path(tmp_path, make, message):
    path = tmp_path / "hw.yaml"
    make(path)
    with pytest.raises(OptionError) as error:
        read_yaml(path, "hardware file")
    assert message in str(error.value) and str(path) in str(error.value) and "\n" not in str(error.value)
