#!/bin/bash
# add a source; written for the host, so it says sudo
sudo mkdir -p /etc/apt/keyrings
echo pseudo-sources > /etc/project-sources
