package one.derailed.gateway.core;

/**
 * CborSerializable marks messages that may cross nodes: Pekko serializes them with Jackson CBOR (bound in
 * derailed.conf), never with Java serialization.
 */
public interface CborSerializable {}
