package one.derailed.gateway.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;

/**
 * TestCertificate is a self-signed certificate for 127.0.0.1 and localhost, generated for the test, written as the PEM
 * files the gateway's TLS settings name: {@link #certificate()} and {@link #privateKey()} (PKCS#8).
 */
record TestCertificate(Path certificate, Path privateKey) {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** Made by openssl when it is on the PATH (milliseconds), else by the JDK's keytool (a JVM start). */
    static TestCertificate create(Path directory) throws Exception {
        Path certificate = directory.resolve("gateway.crt");
        Path privateKey = directory.resolve("gateway.key");
        try {
            run(new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", privateKey.toString(), "-out",
                    certificate.toString(), "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost"));
            if (Files.readString(privateKey).startsWith("-----BEGIN PRIVATE KEY-----")) {
                return new TestCertificate(certificate, privateKey);
            }
        } catch (IOException noOpenssl) {
            // fall back to keytool
        }
        return withKeytool(directory, certificate, privateKey);
    }

    private static void run(ProcessBuilder command) throws IOException, InterruptedException {
        Process process = command.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(command.command().get(0) + " failed: " + output);
        }
    }

    private static TestCertificate withKeytool(Path directory, Path certificate, Path privateKey) throws Exception {
        Path keyStore = directory.resolve("gateway.p12");
        run(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD);
        }
        Files.writeString(certificate, pem("CERTIFICATE", store.getCertificate("gateway").getEncoded()));
        Files.writeString(privateKey, pem("PRIVATE KEY", store.getKey("gateway", PASSWORD).getEncoded()));
        return new TestCertificate(certificate, privateKey);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
