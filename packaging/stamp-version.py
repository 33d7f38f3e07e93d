#!/usr/bin/env python3
"""Copies the agent's jar, setting Implementation-Version: VERSION in its manifest.

Usage: stamp-version.py SOURCE_JAR TARGET_JAR VERSION

The package version is the release's; the jar says what `agent --version` and the
warehouse_agent_build_info metric report. When they already agree (a `mvn package` of that
version) the jar is copied byte for byte; otherwise every entry is copied with its own
metadata (order, timestamps, compression) and only the manifest entry changes, so the
result depends on the inputs alone (reproducible).
"""
import shutil
import sys
import zipfile

ENTRY = "META-INF/MANIFEST.MF"
KEY = "Implementation-Version: "


def stamped(text, version):
    # The main section ends at the first empty line; the version is a short value (no
    # continuation lines), kept where the build put it.
    lines = text.replace("\r\n", "\n").split("\n")
    end = lines.index("") if "" in lines else len(lines)
    main = lines[:end]
    for i, line in enumerate(main):
        if line.startswith(KEY):
            main[i] = KEY + version
            break
    else:
        main.append(KEY + version)
    return "\r\n".join(main + lines[end:])


def main(source, target, version):
    with zipfile.ZipFile(source) as src:
        current = src.read(ENTRY).decode("utf-8")
        if stamped(current, version) == current:
            shutil.copyfile(source, target)
            return
        with zipfile.ZipFile(target, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == ENTRY:
                    data = stamped(current, version).encode("utf-8")
                dst.writestr(info, data, compress_type=info.compress_type)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: stamp-version.py SOURCE_JAR TARGET_JAR VERSION")
    main(*sys.argv[1:])
