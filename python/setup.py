"""Building the package: libwhosaid is compiled here from the repository's C
sources (the library, the command front, the store's speaker keys and
native/records.c) into whosaid/_lib/, and the shipped model copied beside
it, so that `pip install ./python` needs nothing built before.  It needs a
C compiler and the headers of Jansson and utf8proc (Debian: build-essential,
libjansson-dev, libutf8proc-dev; scripts/install.sh installs them), and
fails, saying so, without them.

The wheel holds a compiled library for one machine, so it is tagged for
this platform (py3-none-linux_x86_64 here), never as pure Python.
"""
import glob
import os
import shlex
import shutil
import subprocess
import sysconfig

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def sources():
    found = sorted(glob.glob(os.path.join(REPO, "src", "**", "*.c"), recursive=True))
    found += sorted(glob.glob(os.path.join(REPO, "front", "*.c")))
    found += [os.path.join(REPO, "store", "speaker_key.c"), os.path.join(HERE, "native", "records.c")]
    return found


class build_with_library(build_py):
    """build_py, then the shared library and the model into the build's whosaid/_lib."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "whosaid", "_lib")
        os.makedirs(target, exist_ok=True)
        cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")[:1]
        missing = [p for p in sources() if not os.path.exists(p)]
        if missing or not os.path.exists(os.path.join(REPO, "include", "whosaid.h")):
            raise SystemExit("whosaid: the C sources are not beside python/ (install from a checkout of the "
                             "whole repository: pip install ./python)")
        command = cc + ["-std=c11", "-O2", "-fPIC", "-shared", "-pthread", "-D_POSIX_C_SOURCE=200809L",
                        "-DWS_BUILDING_LIBRARY", "-fvisibility=hidden", "-I" + os.path.join(REPO, "include"),
                        "-iquote", os.path.join(REPO, "src"), "-iquote", REPO, "-o",
                        os.path.join(target, "libwhosaid.so")] + sources() + ["-ljansson", "-lutf8proc", "-lm"]
        self.announce("building libwhosaid: " + " ".join(command[:12]) + " ...", level=2)
        try:
            subprocess.run(command, check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            raise SystemExit(f"whosaid: building libwhosaid failed ({e}); it needs a C compiler and the headers "
                             "of Jansson and utf8proc (Debian: apt-get install build-essential libjansson-dev "
                             "libutf8proc-dev)") from None
        for model in glob.glob(os.path.join(REPO, "models", "*.wsm")):
            shutil.copy(model, target)


commands = {"build_py": build_with_library}
try:
    from wheel.bdist_wheel import bdist_wheel

    class platform_wheel(bdist_wheel):
        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            return ("py3", "none", super().get_tag()[2])

    commands["bdist_wheel"] = platform_wheel
except ImportError:  # no wheel package: pip installs without a wheel then
    pass

setup(cmdclass=commands)
