package sessionlab.shop;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * GET /version: the build's version (the context parameter sessionlab.shop.version), without touching any session.
 * With Tomcat's parallel deployment a request carrying a session reaches the version that holds it, and one
 * without reaches the newest: this tells which one answered.
 */
public class VersionServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String version = getServletContext().getInitParameter("sessionlab.shop.version");
        ShopServlet.send(response, 200, "{\"version\": " + ShopServlet.quote(version == null ? "" : version) + "}");
    }
}
