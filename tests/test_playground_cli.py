"""``chainrule playground``: the command line starts, prints its URL, serves, and stops cleanly."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from chainrule.playground import cli

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    return subprocess.Popen([sys.executable, "-m", "chainrule.playground", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_serves_until_interrupted():
    pytest.importorskip("chainrule.nn")
    proc = run_cli("--port", "0", "--no-browser")
    try:
        line = proc.stdout.readline()
        assert "chainrule playground at http://127.0.0.1:" in line, proc.stderr.read()
        url = line.split(" at ")[1].split()[0]
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b"chainrule playground" in page.read()
        with urllib.request.urlopen(url + "api/meta", timeout=10) as meta:
            assert meta.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0


def test_a_host_other_than_loopback_warns(capsys):
    # 192.0.2.1 is reserved for documentation: binding to it fails, after the warning
    assert cli.main(["--host", "192.0.2.1", "--port", "0", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "warning: listening on 192.0.2.1" in err and "cannot listen" in err


def test_bad_port(capsys):
    assert cli.main(["--port", "70000", "--no-browser"]) == 2
    assert "--port must be 0..65535" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["--port", "eighty"])


def test_port_in_use(capsys):
    from chainrule.playground import make_server

    server = make_server(port=0)
    try:
        port = server.server_address[1]
        start = time.monotonic()
        assert cli.main(["--port", str(port), "--no-browser"]) == 2
        assert time.monotonic() - start < 5
        assert "try another --port" in capsys.readouterr().err
    finally:
        server.server_close()
