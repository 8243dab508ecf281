package dev.homefleet.launchd.plist;

import com.dd.plist.NSDictionary;
import com.dd.plist.NSObject;
import com.dd.plist.PropertyListFormatException;
import com.dd.plist.PropertyListParser;
import java.io.IOException;
import java.text.ParseException;
import javax.xml.parsers.ParserConfigurationException;
import org.xml.sax.SAXException;

/**
 * Reads existing property lists with dd-plist, whatever their format (XML, binary, the old ASCII one): launchd reads
 * them all, and tools such as {@code defaults} and Xcode write binary ones.
 */
public final class PlistReader {

    private PlistReader() {}

    /** @param source the file as a person knows it, for messages */
    public static NSDictionary readDictionary(byte[] bytes, String source) throws PlistException {
        if (bytes.length == 0) {
            throw new PlistException(source + " is empty, not a property list");
        }
        NSObject root;
        try {
            root = PropertyListParser.parse(bytes);
        } catch (PropertyListFormatException | ParseException | SAXException | ParserConfigurationException
                | IOException | RuntimeException e) {
            throw new PlistException(source + " is not a valid property list: " + e.getMessage(), e);
        }
        if (!(root instanceof NSDictionary dict)) {
            throw new PlistException(source + " holds " + LaunchdJob.describe(root)
                    + " at its root; a launchd job is a dictionary");
        }
        return dict;
    }

    public static LaunchdJob read(byte[] bytes, String source) throws PlistException {
        return LaunchdJob.fromDictionary(readDictionary(bytes, source), source);
    }
}
