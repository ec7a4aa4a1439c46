package sessionlab.shop;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * POST /cart/add item=SKU: one more item in the session's cart. The context parameter sessionlab.shop.cart picks
 * how the cart is kept: replicated (the right way), badfield, notserializable or inplace (the three failure modes).
 */
public class AddServlet extends ShopServlet {
    private static final long serialVersionUID = 1L;

    private String mode;

    @Override
    public void init() throws ServletException {
        mode = getServletContext().getInitParameter("sessionlab.shop.cart");
        if (mode == null) {
            mode = "replicated";
        }
        switch (mode) {
            case "replicated":
            case "badfield":
            case "notserializable":
            case "inplace":
                break;
            default:
                throw new ServletException("sessionlab.shop.cart must be replicated, badfield, notserializable"
                        + " or inplace, not " + mode);
        }
    }

    private Basket newCart() {
        switch (mode) {
            case "badfield":
                return new CatalogCart();
            case "notserializable":
                return new PlainCart();
            default:
                return new Cart();
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = loggedIn(request, response);
        if (session == null) {
            return;
        }
        String sku = name(request, response, "item");
        if (sku == null) {
            return;
        }
        Basket cart = (Basket) session.getAttribute(CART);
        boolean created = cart == null;
        if (created) {
            cart = newCart();
        }
        cart.add(sku);
        // setAttribute after every change is what tells the cluster the cart changed; inplace skips it.
        if (created || !"inplace".equals(mode)) {
            session.setAttribute(CART, cart);
        }
        send(response, 200, "{\"items\": " + cart.size() + "}");
    }
}
