#!/usr/bin/env bash
# Checks the ros extension inside the built image, as the non-root user.
# Needs no network: rosdep's cache was filled at build time.
set -euo pipefail

fail() { echo "ros test: $*" >&2; exit 1; }

distro="${ROCKTS_TEST_OPTION_distro:?}"
[ "${ROS_DISTRO:-}" = "$distro" ] || fail "ROS_DISTRO is '${ROS_DISTRO:-}', expected $distro"
[ -f "/opt/ros/$distro/setup.bash" ] || fail "/opt/ros/$distro/setup.bash is missing"
grep -qxF "source /opt/ros/$distro/setup.bash" "$HOME/.bashrc" || fail "$HOME/.bashrc does not source the ROS setup file"
[ -f /etc/ros/rosdep/sources.list.d/20-default.list ] || fail "rosdep was not initialised"
[ -d "$HOME/.ros/rosdep" ] || fail "rosdep update did not fill $HOME/.ros/rosdep"

# In an interactive bash the ROS 2 command line works and finds the core packages.
# shellcheck disable=SC2016
packages="$(bash -ic 'ros2 pkg list' 2>/dev/null)" || fail "ros2 pkg list failed"
grep -qx rclcpp <<<"$packages" || grep -qx rcl <<<"$packages" || fail "ros2 pkg list does not list rcl"
command -v colcon >/dev/null || fail "colcon is not on PATH"
command -v vcs >/dev/null || fail "vcs is not on PATH"
echo "ros test: ok ($(grep -c . <<<"$packages") packages)"
