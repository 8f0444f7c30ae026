// An independent check of GOST R 34.10-2012 XML-DSig signatures: Apache Santuario (Java) verifies
// each file's enveloped signature with BouncyCastle's GOST R 34.11-2012 digests and
// GOST R 34.10-2012 signatures, with the public key of the certificate in ds:KeyInfo. Nothing of
// the gateway's code or of OpenSSL's gost engine takes part.
//
// Santuario knows no GOST URI: the four cpxmlsec URIs are registered here with its JCEMapper (to
// BouncyCastle's algorithm names) and its SignatureAlgorithm (the generic JCE signature class).
// The JDK's certificate factory does not know GOST keys, so the certificate is read with
// BouncyCastle's ASN.1 classes and its key rebuilt from the curve its parameter set names.
//
// Usage: java GostXmlDsigCheck FILE...   Prints "FILE: valid" or "FILE: invalid: reason" per
// file; exits 0 when every file is valid, 1 when one is not, 2 on a usage error.

import java.io.File;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Security;
import java.util.Base64;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.xml.security.algorithms.JCEMapper;
import org.apache.xml.security.algorithms.SignatureAlgorithm;
import org.apache.xml.security.algorithms.implementations.SignatureBaseRSA;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.signature.XMLSignatureException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.cryptopro.ECGOST3410NamedCurves;
import org.bouncycastle.asn1.cryptopro.GOST3410PublicKeyAlgParameters;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.ECGOST3410NamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public final class GostXmlDsigCheck {
  static final String DS = "http://www.w3.org/2000/09/xmldsig#";
  static final String PREFIX = "urn:ietf:params:xml:ns:cpxmlsec:algorithms:";
  static final String SIGN_256 = PREFIX + "gostr34102012-gostr34112012-256";
  static final String SIGN_512 = PREFIX + "gostr34102012-gostr34112012-512";
  static final String DIGEST_256 = PREFIX + "gostr34112012-256";
  static final String DIGEST_512 = PREFIX + "gostr34112012-512";

  // The generic JCE signature of Santuario, under the GOST URIs.
  public static final class Gost256 extends SignatureBaseRSA {
    public Gost256() throws XMLSignatureException {}

    @Override
    public String engineGetURI() {
      return SIGN_256;
    }
  }

  public static final class Gost512 extends SignatureBaseRSA {
    public Gost512() throws XMLSignatureException {}

    @Override
    public String engineGetURI() {
      return SIGN_512;
    }
  }

  // TC26 parameter sets by OID to the names BouncyCastle has their curves under (the 256-bit sets
  // B, C and D are the CryptoPro curves A, B and C under new OIDs); BouncyCastle's own table
  // names the CryptoPro OIDs.
  static final Map<String, String> CURVES =
      Map.of(
          "1.2.643.7.1.2.1.1.1", "Tc26-Gost-3410-12-256-paramSetA",
          "1.2.643.7.1.2.1.1.2", "GostR3410-2001-CryptoPro-A",
          "1.2.643.7.1.2.1.1.3", "GostR3410-2001-CryptoPro-B",
          "1.2.643.7.1.2.1.1.4", "GostR3410-2001-CryptoPro-C",
          "1.2.643.7.1.2.1.2.1", "Tc26-Gost-3410-12-512-paramSetA",
          "1.2.643.7.1.2.1.2.2", "Tc26-Gost-3410-12-512-paramSetB",
          "1.2.643.7.1.2.1.2.3", "Tc26-Gost-3410-12-512-paramSetC");

  static void register() throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    org.apache.xml.security.Init.init();
    JCEMapper.register(DIGEST_256, new JCEMapper.Algorithm("", "GOST3411-2012-256", "MessageDigest", 0, 0, "BC"));
    JCEMapper.register(DIGEST_512, new JCEMapper.Algorithm("", "GOST3411-2012-512", "MessageDigest", 0, 0, "BC"));
    JCEMapper.register(SIGN_256, new JCEMapper.Algorithm("ECGOST3410-2012", "GOST3411-2012-256WITHECGOST3410-2012-256", "Signature", 0, 0, "BC"));
    JCEMapper.register(SIGN_512, new JCEMapper.Algorithm("ECGOST3410-2012", "GOST3411-2012-512WITHECGOST3410-2012-512", "Signature", 0, 0, "BC"));
    SignatureAlgorithm.register(SIGN_256, Gost256.class);
    SignatureAlgorithm.register(SIGN_512, Gost512.class);
  }

  static byte[] reversed(byte[] in, int from, int length) {
    byte[] out = new byte[length];
    for (int i = 0; i < length; ++i) out[i] = in[from + length - 1 - i];
    return out;
  }

  // The GOST R 34.10-2012 public key of a DER certificate.
  static PublicKey gostKey(byte[] der) throws Exception {
    SubjectPublicKeyInfo info = Certificate.getInstance(der).getSubjectPublicKeyInfo();
    GOST3410PublicKeyAlgParameters parameters =
        GOST3410PublicKeyAlgParameters.getInstance(info.getAlgorithm().getParameters());
    ASN1ObjectIdentifier set = parameters.getPublicKeyParamSet();
    String curve = CURVES.getOrDefault(set.getId(), ECGOST3410NamedCurves.getName(set));
    if (curve == null) throw new IllegalArgumentException("unknown parameter set " + set.getId());
    ECNamedCurveParameterSpec spec = ECGOST3410NamedCurveTable.getParameterSpec(curve);
    if (spec == null) throw new IllegalArgumentException("BouncyCastle has no curve " + curve);
    // The key is an OCTET STRING of x and y, each little-endian.
    byte[] xy = ASN1OctetString.getInstance(info.parsePublicKey()).getOctets();
    int half = xy.length / 2;
    BigInteger x = new BigInteger(1, reversed(xy, 0, half));
    BigInteger y = new BigInteger(1, reversed(xy, half, half));
    ECPublicKeySpec key = new ECPublicKeySpec(spec.getCurve().createPoint(x, y), spec);
    return KeyFactory.getInstance("ECGOST3410-2012", "BC").generatePublic(key);
  }

  // null when the signature is valid; otherwise why not.
  static String check(File file) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document document = factory.newDocumentBuilder().parse(file);
    NodeList signatures = document.getElementsByTagNameNS(DS, "Signature");
    if (signatures.getLength() != 1) return signatures.getLength() + " ds:Signature elements";
    Element signature = (Element) signatures.item(0);
    NodeList certificates = signature.getElementsByTagNameNS(DS, "X509Certificate");
    if (certificates.getLength() == 0) return "no ds:X509Certificate";
    byte[] der = Base64.getMimeDecoder().decode(certificates.item(0).getTextContent());
    XMLSignature xml = new XMLSignature(signature, "");
    String method = xml.getSignedInfo().getSignatureMethodURI();
    if (!method.equals(SIGN_256) && !method.equals(SIGN_512)) return "not GOST: " + method;
    if (!xml.checkSignatureValue(gostKey(der))) {
      boolean digest = xml.getSignedInfo().verify();
      return digest ? "the signature value does not verify" : "the digest does not match";
    }
    return null;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: java GostXmlDsigCheck FILE...");
      System.exit(2);
    }
    register();
    int status = 0;
    for (String name : args) {
      String problem;
      try {
        problem = check(new File(name));
      } catch (Exception e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (problem == null) {
        System.out.println(name + ": valid");
      } else {
        System.out.println(name + ": invalid: " + problem);
        status = 1;
      }
    }
    System.exit(status);
  }
}
