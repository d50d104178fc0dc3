# Build fragment for src/ike/auth: the authentication-method table of
# IKE_AUTH (auth.h), one file per method; linked into the engine library.
src_ike_engine_libikeengine_a_SOURCES += \
	src/ike/auth/auth.c src/ike/auth/auth.h \
	src/ike/auth/auth_psk.c \
	src/ike/auth/auth_pubkey.c src/ike/auth/pubkey.h
