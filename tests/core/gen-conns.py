#!/usr/bin/env python3
"""gen-conns.py FILE N DIR: an ike.conf with N connections (pid file and socket in DIR)."""
import sys
n=int(sys.argv[2]); T = sys.argv[3]
with open(sys.argv[1],'w') as f:
    f.write('global: { pidfile = "%s/pid"; control_socket = "%s/ctl"; };\nsecrets: ( { id = "peer.example"; psk = "0123456789abcdef0123"; } );\nconnections: (\n' % (T,T))
    for i in range(n):
        f.write('  { name = "c%d"; local_addrs = ["192.0.2.1"]; remote_addrs = ["198.51.100.%d"]; local = { id = "me.example"; auth = "psk"; }; remote = { id = "peer.example"; auth = "psk"; }; children = ( { name = "net"; local_ts = ["10.%d.%d.0/24"]; remote_ts = ["10.200.%d.0/24"]; } ); }%s\n' % (i, i%250+1, i//250, i%250, i%250, ',' if i<n-1 else ''))
    f.write(');\n')
