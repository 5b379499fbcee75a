"""A PEP 517 build backend for this hook repository, standard library only.

It builds `rolecheck_pre_commit-@VERSION@-py3-none-any.whl`, a wheel holding only metadata whose one
requirement is `rolecheck==@VERSION@`: pre-commit's `pip install .` then installs the rolecheck wheel
(from PyPI, or from PIP_FIND_LINKS with PIP_NO_INDEX offline).
"""
import base64
import hashlib
import os
import zipfile

NAME = "rolecheck_pre_commit"
VERSION = "@VERSION@"
METADATA = (
    "Metadata-Version: 2.1\n"
    "Name: rolecheck-pre-commit\n"
    f"Version: {VERSION}\n"
    "Summary: pre-commit hooks that install the rolecheck wheel\n"
    f"Requires-Dist: rolecheck=={VERSION}\n"
)
WHEEL = "Wheel-Version: 1.0\nGenerator: rolecheck_hook_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = f"{NAME}-{VERSION}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(METADATA)
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist_info = f"{NAME}-{VERSION}.dist-info"
    files = [(f"{dist_info}/METADATA", METADATA.encode()), (f"{dist_info}/WHEEL", WHEEL.encode())]
    record = "".join(f"{name},{_digest(data)},{len(data)}\n" for name, data in files) + f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode()))
    filename = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return filename
