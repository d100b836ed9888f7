#!/bin/bash
# add a source (sudo is dropped in the build, as deps_rocker does)
sudo mkdir -p /etc/apt/keyrings
echo pseudo-sources > /etc/project-sources
