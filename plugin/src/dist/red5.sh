#!/bin/sh
# Starts this Red5 install the way Red5's own red5.sh does: Red5's Bootstrap in its own JVM,
# with only red5-service.jar and conf/ on the class path. JAVA_OPTS overrides the heap.
RED5_HOME=$(cd "$(dirname "$0")" && pwd)
cd "$RED5_HOME" || exit 1
# The shutdown listener (127.0.0.1 only) takes its port from conf/red5.properties.
SHUTDOWN_PORT=$(sed -n 's/^shutdown\.port=\([0-9]*\).*/\1/p' conf/red5.properties)
exec "${JAVA:-java}" -Dred5.root="$RED5_HOME" -Dred5.config_root="$RED5_HOME/conf" \
    -Dcatalina.home="$RED5_HOME" -Dcatalina.useNaming=true \
    -Djava.net.preferIPv4Stack=false \
    ${JAVA_OPTS:--Xms128m -Xmx512m} \
    -cp "$RED5_HOME/red5-service.jar:$RED5_HOME/conf" org.red5.server.Bootstrap "${SHUTDOWN_PORT:-9999}"
