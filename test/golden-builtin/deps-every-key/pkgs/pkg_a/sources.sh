#!/bin/bash
echo pkg_a sources
