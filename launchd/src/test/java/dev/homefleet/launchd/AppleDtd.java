package dev.homefleet.launchd;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/** Validates XML against Apple's plist 1.0 DTD (a copy under src/test/resources/dtd/), as a validating parser does. */
public final class AppleDtd {

    private AppleDtd() {}

    /** @throws SAXException naming line, column and what the DTD does not allow */
    public static void validate(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setValidating(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setEntityResolver((publicId, systemId) -> {
            // The older public identifier, still common in hand-written plists, names the same DTD.
            if (!"-//Apple//DTD PLIST 1.0//EN".equals(publicId) && !"-//Apple Computer//DTD PLIST 1.0//EN".equals(publicId)) {
                throw new SAXException("not Apple's plist 1.0 DTD: " + publicId + " " + systemId);
            }
            InputStream dtd = AppleDtd.class.getResourceAsStream("/dtd/PropertyList-1.0.dtd");
            return new InputSource(dtd);
        });
        builder.setErrorHandler(new ErrorHandler() {
            @Override
            public void warning(SAXParseException e) {}

            @Override
            public void error(SAXParseException e) throws SAXException {
                throw new SAXException("line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": "
                        + e.getMessage(), e);
            }

            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                error(e);
            }
        });
        builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
