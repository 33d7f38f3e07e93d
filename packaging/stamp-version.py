#!/usr/bin/env python3
"""Copies the agent's jar, setting version=VERSION in its warehouse-agent.properties.

Usage: stamp-version.py SOURCE_JAR TARGET_JAR VERSION

The package version is the release's; the jar says what `agent --version` and the
warehouse_agent_build_info metric report. When they already agree (a `mvn package` of that
version) the jar is copied byte for byte; otherwise every entry is copied with its own
metadata (order, timestamps, compression) and only the properties entry changes, so the
result depends on the inputs alone (reproducible).
"""
import shutil
import sys
import zipfile

ENTRY = "warehouse-agent.properties"


def stamped(text, version):
    lines = [l for l in text.splitlines() if not l.startswith("version=")]
    return "\n".join(lines + ["version=" + version]) + "\n"


def main(source, target, version):
    with zipfile.ZipFile(source) as src:
        current = src.read(ENTRY).decode("iso-8859-1")
        if stamped(current, version) == current:
            shutil.copyfile(source, target)
            return
        with zipfile.ZipFile(target, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == ENTRY:
                    data = stamped(current, version).encode("iso-8859-1")
                dst.writestr(info, data, compress_type=info.compress_type)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: stamp-version.py SOURCE_JAR TARGET_JAR VERSION")
    main(*sys.argv[1:])
