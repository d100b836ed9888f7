echo building >> /opt/project/built
