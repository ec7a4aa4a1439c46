"""Debian 13: the roles chose the release's Tomcat (11) and OpenJDK (21), and those are what serve."""

from tests.lab_checks import TOMCAT


def test_the_hosts_run_debian_13(backends, lb):
    for name, h in {**backends, "balancer": lb}.items():
        assert 'VERSION_ID="13"' in h.file("/etc/os-release").content_string, name


def test_the_release_default_tomcat_and_openjdk_are_installed(backends):
    assert TOMCAT == "tomcat11"
    for name, h in backends.items():
        assert h.package("tomcat11").is_installed, name
        assert not h.package("tomcat10").is_installed, name
        assert h.package("openjdk-21-jre-headless").is_installed, name
        assert not h.file("/etc/tomcat10").exists, name


def test_tomcat_11_runs_on_java_21(backends):
    for name, h in backends.items():
        pid = h.check_output("systemctl show -p MainPID --value tomcat11")
        assert pid not in ("", "0"), name
        assert h.check_output(f"ps -o args= -p {pid}").startswith("/usr/lib/jvm/java-21-openjdk"), name
        started = h.check_output("journalctl -q -o cat -u tomcat11 | grep -F 'Server version name' | tail -n 1")
        assert "Apache Tomcat/11.0." in started, (name, started)
