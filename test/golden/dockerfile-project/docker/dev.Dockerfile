FROM debian:bookworm
RUN echo "project base" > /etc/project-base
